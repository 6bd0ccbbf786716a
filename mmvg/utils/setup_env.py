"""Import every module that registers parts, and set the default scope."""
import datetime
import warnings

from mmengine import DefaultScope

from .checkpoint_globals import allow_mmengine_checkpoints


def register_all_modules(init_default_scope: bool = True) -> None:
    """Register mmdet's and mmvg's modules into their registries.

    mmdet's modules are imported too: a child registry's lazy import covers
    only its own ``locations``, so bare mmdet names (``HungarianAssigner``,
    ``GIoULoss``) resolve from mmvg registries only after these imports.

    Args:
        init_default_scope: make ``mmvg`` the default scope when none is set.
    """
    import mmdet.datasets  # noqa: F401
    import mmdet.engine  # noqa: F401
    import mmdet.evaluation  # noqa: F401
    import mmdet.models  # noqa: F401
    import mmdet.visualization  # noqa: F401

    import mmvg.datasets  # noqa: F401
    import mmvg.engine  # noqa: F401
    import mmvg.evaluation  # noqa: F401
    import mmvg.models  # noqa: F401
    import mmvg.visualization  # noqa: F401

    allow_mmengine_checkpoints()
    if not init_default_scope:
        return
    current = DefaultScope.get_current_instance()
    if current is None:
        DefaultScope.get_instance('mmvg', scope_name='mmvg')
    elif current.scope_name != 'mmvg':
        warnings.warn(f'The current default scope "{current.scope_name}" is '
                      'not "mmvg"; a new one named "mmvg" is created.')
        stamp = datetime.datetime.now().strftime('%Y%m%d-%H%M%S%f')
        DefaultScope.get_instance(f'mmvg-{stamp}', scope_name='mmvg')
